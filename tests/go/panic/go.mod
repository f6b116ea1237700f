module example.com/fixtures/panic

go 1.19
