terraform {
  required_version = ">= 1.5"
  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.40"
    }
  }
}

# The token needs droplet, firewall, tag and domain scopes (read and write) to apply this; the mesh's own tokens are
# separate and smaller (README "DigitalOcean: tokens and DNS").
provider "digitalocean" {
  token = var.do_token
}
