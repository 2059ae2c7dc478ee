import sys

from errcontract.cli import main

sys.exit(main())
