module example.com/fixtures/leak

go 1.19
