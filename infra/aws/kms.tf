# One customer-managed key: it wraps the per-stream data keys (KEY_PROVIDER=aws-kms) and encrypts
# RDS storage and the scans bucket. Rotation is on; the policy names principals, never `kms:*` for the
# account, so IAM policies alone cannot grant use of the key.
resource "aws_kms_key" "main" {
  description             = "${local.prefix}: envelope keys, RDS storage, scans bucket"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.prefix}"
  target_key_id = aws_kms_key.main.key_id
}

data "aws_iam_role" "app" {
  name = var.app_role_name
}

data "aws_iam_policy_document" "key" {
  # Administration without use: the admin role manages the key but cannot decrypt with it directly.
  statement {
    sid = "KeyAdministration"
    principals {
      type        = "AWS"
      identifiers = [var.key_admin_role_arn]
    }
    actions = [
      "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
      "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
      "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
    ]
    resources = ["*"]
  }

  # The application wraps and unwraps data keys only with the encryption context { stream, purpose }.
  statement {
    sid = "AppEnvelopeEncryption"
    principals {
      type        = "AWS"
      identifiers = [data.aws_iam_role.app.arn]
    }
    actions   = ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = ["*"]
    condition {
      test     = "Null"
      variable = "kms:EncryptionContext:stream"
      values   = ["false"]
    }
    condition {
      test     = "Null"
      variable = "kms:EncryptionContext:purpose"
      values   = ["false"]
    }
  }

  statement {
    sid = "AppDescribeKey"
    principals {
      type        = "AWS"
      identifiers = [data.aws_iam_role.app.arn]
    }
    actions   = ["kms:DescribeKey"]
    resources = ["*"]
  }

  # Scans: S3 uses the key on the application's behalf, for this bucket only.
  statement {
    sid = "AppViaS3"
    principals {
      type        = "AWS"
      identifiers = [data.aws_iam_role.app.arn]
    }
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = ["arn:${data.aws_partition.current.partition}:s3:::${local.scans_bucket}"]
    }
  }

  # RDS encrypts storage, snapshots and backups through grants created when the admin role builds the instance.
  statement {
    sid = "RdsStorage"
    principals {
      type        = "AWS"
      identifiers = [var.key_admin_role_arn]
    }
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["rds.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account]
    }
  }

  statement {
    sid = "RdsGrants"
    principals {
      type        = "AWS"
      identifiers = [var.key_admin_role_arn]
    }
    actions   = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["rds.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}
