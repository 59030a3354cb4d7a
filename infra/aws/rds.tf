# PostgreSQL for events, keys, read models, identity and audit: encrypted with the key above, private
# subnets only, TLS enforced, IAM authentication for the application (no static password in the app).
resource "aws_db_subnet_group" "main" {
  name       = local.prefix
  subnet_ids = var.private_subnet_ids
}

resource "aws_security_group" "db" {
  name        = "${local.prefix}-db"
  description = "Postgres, reachable from the application only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "Postgres from the application"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [var.app_security_group_id]
  }
  # No egress block: Terraform removes the default allow-all egress rule.
}

resource "aws_db_parameter_group" "main" {
  name   = "${local.prefix}-pg16"
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "log_connections"
    value = "1"
  }
}

resource "aws_db_instance" "main" {
  identifier     = local.prefix
  engine         = "postgres"
  engine_version = "16"
  instance_class = var.db_instance_class
  db_name        = "ortholedger"

  allocated_storage     = 50
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.main.arn

  username                            = "ortholedger_owner"
  manage_master_user_password         = true # kept in Secrets Manager, rotated by RDS
  iam_database_authentication_enabled = true

  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.main.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  multi_az                        = true
  backup_retention_period         = 35
  copy_tags_to_snapshot           = true
  deletion_protection             = true
  skip_final_snapshot             = false
  final_snapshot_identifier       = "${local.prefix}-final"
  auto_minor_version_upgrade      = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
}

# The application connects as var.db_app_user with an IAM token (`GRANT rds_iam TO <user>` in Postgres).
resource "aws_iam_role_policy" "app_db_connect" {
  name = "${local.prefix}-db-connect"
  role = var.app_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "rds-db:connect"
      Resource = "arn:${data.aws_partition.current.partition}:rds-db:${var.region}:${local.account}:dbuser:${aws_db_instance.main.resource_id}/${var.db_app_user}"
    }]
  })
}
