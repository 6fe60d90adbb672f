"""No models: this module lets post_migrate reach the app (ncregister.dbroles)."""
