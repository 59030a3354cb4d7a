output "kms_key_arn" {
  description = "Set as AWS_KMS_KEY_ID (KEY_PROVIDER=aws-kms)."
  value       = aws_kms_key.main.arn
}

output "db_endpoint" {
  value = aws_db_instance.main.endpoint
}

output "db_master_secret_arn" {
  description = "Master credentials, kept by RDS in Secrets Manager; the application logs in with IAM instead."
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}

output "scans_bucket" {
  value = aws_s3_bucket.scans.bucket
}
