module example.com/fixtures/hello

go 1.19
