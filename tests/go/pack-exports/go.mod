module example.com/fixtures/pack-exports

go 1.19
