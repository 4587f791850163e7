print("vitkit")
