variable "do_token" {
  description = "DigitalOcean token for Terraform itself (not one of the mesh's tokens)."
  type        = string
  sensitive   = true
}

variable "site_regions" {
  description = "The two site regions, active first: each gets two mesh nodes."
  type        = list(string)
  default     = ["nyc1", "ams3"]
  validation {
    condition     = length(var.site_regions) == 2
    error_message = "Health Mesh runs 2 + 2 + 1: exactly two site regions."
  }
}

variable "witness_region" {
  description = "The third region: one mesh node that only votes (no part of the shop runs there)."
  type        = string
  default     = "sfo3"
}

variable "node_size" {
  description = "Droplet size of a mesh node (a node needs about 300 MB of memory and little CPU)."
  type        = string
  default     = "s-1vcpu-1gb"
}

variable "image" {
  description = "Droplet image; the Ansible role expects Debian 12."
  type        = string
  default     = "debian-12-x64"
}

variable "ssh_key_ids" {
  description = "IDs or fingerprints of the SSH keys Ansible logs in with."
  type        = list(string)
}

variable "admin_cidrs" {
  description = "Where SSH may come from (the operators' bastion)."
  type        = list(string)
}

variable "api_cidrs" {
  description = "Where the nodes' HTTP port (API, dashboard, /metrics) may be reached from: the operators and Prometheus."
  type        = list(string)
}

variable "akka_port" {
  description = "The mesh's cluster port (Mesh:Node:Port); open only between mesh nodes."
  type        = number
  default     = 4053
}

variable "http_port" {
  description = "The nodes' HTTP port (Mesh:Node:HttpUrls)."
  type        = number
  default     = 8080
}

variable "domain" {
  description = "The shop's domain, already managed by DigitalOcean DNS."
  type        = string
}

variable "record_name" {
  description = "The record the mesh switches between regions (say \"shop\" for shop.example.com)."
  type        = string
  default     = "shop"
}

variable "initial_record_value" {
  description = "The record's value when it is created: the active site region's load balancer address. After that the mesh owns the value."
  type        = string
}
