# A small configuration for `npm run demo`: the local emulator plans it by counting the
# resource blocks below, so no provider is downloaded and nothing real is created.
terraform {
  required_version = ">= 1.5.0"
}

resource "random_pet" "name" {
  length = 2
}

resource "null_resource" "web" {
  triggers = {
    name = random_pet.name.id
  }
}

resource "null_resource" "database" {
  triggers = {
    size = var.database_size
  }
}
