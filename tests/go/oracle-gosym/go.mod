module gowasm.test/oracle-gosym

go 1.19
