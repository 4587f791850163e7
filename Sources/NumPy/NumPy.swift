// NumPy
