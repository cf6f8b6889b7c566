"""Dashboard for the Steering Committees of the movement "Toàn dân bảo vệ an ninh Tổ quốc"."""
