module example.com/fixtures/callbacks

go 1.19
