module example.com/batch-callbacks

go 1.19
