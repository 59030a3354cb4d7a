terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { application = var.name, environment = var.environment, data-classification = "phi" }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  prefix  = "${var.name}-${var.environment}"
  account = data.aws_caller_identity.current.account_id
}
