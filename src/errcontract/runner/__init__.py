"""`errcontract run`: embedded mocks or a target, one pytest session per provider, reports."""
