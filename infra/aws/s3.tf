# 3D scans and X-rays: private, versioned, SSE-KMS with the key above, TLS only.
locals {
  scans_bucket = "${local.prefix}-scans-${local.account}"
}

resource "aws_s3_bucket" "scans" {
  bucket = local.scans_bucket
}

resource "aws_s3_bucket_ownership_controls" "scans" {
  bucket = aws_s3_bucket.scans.id
  rule {
    object_ownership = "BucketOwnerEnforced" # no ACLs
  }
}

resource "aws_s3_bucket_public_access_block" "scans" {
  bucket                  = aws_s3_bucket.scans.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "scans" {
  bucket = aws_s3_bucket.scans.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "scans" {
  bucket = aws_s3_bucket.scans.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true # KMS encryption context is then the bucket ARN (see kms.tf)
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "scans" {
  bucket = aws_s3_bucket.scans.id
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "scans" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = [aws_s3_bucket.scans.arn, "${aws_s3_bucket.scans.arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
  # Uploads send no SSE headers (the bucket default applies) or name this key by ARN; nothing else.
  statement {
    sid     = "DenyOtherEncryption"
    effect  = "Deny"
    actions = ["s3:PutObject"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = ["${aws_s3_bucket.scans.arn}/*"]
    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["false"]
    }
    condition {
      test     = "StringNotEqualsIfExists"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [aws_kms_key.main.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "scans" {
  bucket     = aws_s3_bucket.scans.id
  policy     = data.aws_iam_policy_document.scans.json
  depends_on = [aws_s3_bucket_public_access_block.scans]
}

resource "aws_iam_role_policy" "app_scans" {
  name = "${local.prefix}-scans"
  role = var.app_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
      Resource = "${aws_s3_bucket.scans.arn}/*"
    }]
  })
}
