variable "name" {
  type    = string
  default = "ortholedger"
}

variable "environment" {
  type = string
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  description = "Private subnets (no route to an internet gateway) for the database, in at least two AZs."
  type        = list(string)
}

variable "app_security_group_id" {
  description = "Security group of the API and worker tasks; the only source allowed to reach Postgres."
  type        = string
}

variable "app_role_name" {
  description = "IAM role the services run as (ECS task role, IRSA role, ...)."
  type        = string
}

variable "key_admin_role_arn" {
  description = "Role that administers the KMS key and applies this configuration. It cannot decrypt."
  type        = string
}

variable "db_instance_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "db_app_user" {
  description = "Postgres login of the application, authenticated with IAM tokens (rds_iam role)."
  type        = string
  default     = "ortholedger_app_login"
}
