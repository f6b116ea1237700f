module example.com/fixtures/bridge

go 1.19
