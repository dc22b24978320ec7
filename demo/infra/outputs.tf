# Literal values, so the emulator can report them after the apply as Terraform would.
output "environment" {
  value = "demo"
}

output "web_ports" {
  value = [80, 443]
}

output "database_password" {
  value     = "not-a-real-password"
  sensitive = true
}
