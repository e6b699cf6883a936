// LindynReport: placeholder until the module lands.
