STOCK_CHANNEL = "stock_changed"
USER_SIGNUP = "user-signup"
