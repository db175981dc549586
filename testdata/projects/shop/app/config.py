import os

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+asyncpg://shop:shop@localhost/shop")
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "https://payments.internal/api")
EXPORT_DIR = os.environ.get("EXPORT_DIR", "/var/lib/shop/exports")
TAX_TABLE_PATH = os.environ.get("TAX_TABLE_PATH", "/etc/shop/tax_rates.json")
