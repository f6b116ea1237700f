module example.com/fixtures/pack-args

go 1.19
