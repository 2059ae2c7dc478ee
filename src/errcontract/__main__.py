import sys

from errcontract.cli.main import main

sys.exit(main())
