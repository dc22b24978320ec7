variable "database_size" {
  type    = string
  default = "small"
}
