output "nodes" {
  description = "Each node's region and addresses, for the Ansible inventory."
  value = { for name, d in digitalocean_droplet.node : name => {
    region     = d.region
    public_ip  = d.ipv4_address
    private_ip = d.ipv4_address_private
  } }
}

output "seed_nodes" {
  description = "Mesh:Node:SeedNodes: one node of every region, the witness included, the same list on every node."
  value = concat(
    ["akka.ssl.tcp://health-mesh@${digitalocean_droplet.node["${var.witness_region}-w"].ipv4_address}:${var.akka_port}"],
    [for r in var.site_regions : "akka.ssl.tcp://health-mesh@${digitalocean_droplet.node["${r}-a"].ipv4_address}:${var.akka_port}"],
  )
}
