"""Review and selection pages, one module per page family: the queue (`queue`), one SOI
and the work done on it (`soi`), decisions (`decisions`) and the slate (`slate`). Each view
says who may use it and checks it first."""
