"""Pure-Python domain rules: no Django import, dates passed in, decisions returned."""
