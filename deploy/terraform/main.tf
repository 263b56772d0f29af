# Health Mesh on DigitalOcean: 2 + 2 + 1 nodes across three regions, a firewall that lets the cluster port be
# reached only by other mesh nodes and the HTTP port only from var.api_cidrs, and the shop's DNS record with a 30 s
# TTL. The shop itself (app droplets, PostgreSQL, Redis, load balancers) is not created here; its droplets must carry
# the tags named in the mesh's Fencing.DropletTags for power-off fencing.

locals {
  nodes = merge(
    { for pair in setproduct(var.site_regions, ["a", "b"]) : "${pair[0]}-${pair[1]}" => { region = pair[0], kind = "site" } },
    { "${var.witness_region}-w" = { region = var.witness_region, kind = "witness" } },
  )
}

resource "digitalocean_tag" "mesh" {
  name = "health-mesh"
}

resource "digitalocean_tag" "region" {
  for_each = toset(concat(var.site_regions, [var.witness_region]))
  name     = "health-mesh-${each.key}"
}

resource "digitalocean_droplet" "node" {
  for_each   = local.nodes
  name       = "health-mesh-${each.key}"
  region     = each.value.region
  size       = var.node_size
  image      = var.image
  ssh_keys   = var.ssh_key_ids
  monitoring = true
  ipv6       = false
  tags       = [digitalocean_tag.mesh.id, digitalocean_tag.region[each.value.region].id, "health-mesh-${each.value.kind}"]

  lifecycle {
    # A node is replaced by a new one joining, never in place under a running cluster.
    create_before_destroy = true
  }
}

resource "digitalocean_firewall" "mesh" {
  name        = "health-mesh"
  droplet_ids = [for d in digitalocean_droplet.node : d.id]

  # The cluster port: mesh nodes only (by tag: the firewall follows droplets added later). Remote.Tls makes the
  # traffic mutual-TLS on top of this.
  inbound_rule {
    protocol    = "tcp"
    port_range  = tostring(var.akka_port)
    source_tags = [digitalocean_tag.mesh.id]
  }

  # API, dashboard and /metrics: operators and Prometheus only.
  inbound_rule {
    protocol         = "tcp"
    port_range       = tostring(var.http_port)
    source_addresses = var.api_cidrs
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = var.admin_cidrs
  }

  # Out: the other nodes, the shop's servers (probes and fences), DigitalOcean's API, package mirrors.
  outbound_rule {
    protocol              = "tcp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "53"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_record" "shop" {
  domain = var.domain
  type   = "A"
  name   = var.record_name
  value  = var.initial_record_value
  # The DNS TTL bounds how long clients keep resolving the old region after a switch; 30 s is DigitalOcean's minimum.
  ttl = 30

  lifecycle {
    # The mesh switches the value on failover: Terraform must not switch it back.
    ignore_changes = [value]
  }
}
