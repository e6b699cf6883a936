// LindynIntegrator: placeholder until the module lands.
