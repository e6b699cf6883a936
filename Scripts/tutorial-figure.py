#!/usr/bin/env python3
"""The chapter image of the DocC tutorial (Sources/Lindyn/Lindyn.docc/Resources/first-check.png).

Draws what Examples/FirstCheck measures, from the same parameters: the closed form of the mode,
the logistic law u(t) = a / (b + (a/u0 - b) e^{-2at/tau}) with a = s - lambda, b = 1 (Saxe,
McClelland & Ganguli 2014, Eq. 12), and the exact gradient-descent map of the mode,
u_{k+1} = u_k (1 + (a - b u_k)/tau)^2, which lags it near the saddle. Writes an SVG and converts
it with rsvg-convert (librsvg2-bin).

    Scripts/tutorial-figure.py
"""
import math
import os
import subprocess
import sys

s, lam, u0, tau, end = 2.0, 0.2, 1e-3, 100.0, 700
a, b = s - lam, 1.0
width, height = 640, 360
left, right, top, bottom = 70, 20, 30, 50


def flow(t):
    return a / (b + (a / u0 - b) * math.exp(-2 * a * t / tau))


descent = [u0]
for _ in range(end):
    u = descent[-1]
    descent.append(u * (1 + (a - b * u) / tau) ** 2)


def x(t):
    return left + (width - left - right) * t / end


def y(u):
    return height - bottom - (height - top - bottom) * u / 2.0


def path(points):
    return " ".join(f"{x(t):.1f},{y(u):.1f}" for t, u in points)


parts = [
    f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
    f'font-family="Helvetica, Arial, sans-serif" font-size="13">',
    f'<rect width="{width}" height="{height}" fill="white"/>',
]
for k in range(0, 5):
    u = k * 0.5
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(u):.1f}" y2="{y(u):.1f}" stroke="#e5e5e5"/>')
    parts.append(f'<text x="{left - 8}" y="{y(u) + 4:.1f}" text-anchor="end">{u:g}</text>')
for t in range(0, end + 1, 100):
    parts.append(f'<text x="{x(t):.1f}" y="{height - bottom + 18}" text-anchor="middle">{t}</text>')
parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(0)}" y2="{y(0)}" stroke="black"/>')
parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{y(0)}" stroke="black"/>')
parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">epoch t</text>')
parts.append(f'<text x="18" y="{(top + height - bottom) / 2}" text-anchor="middle" '
             f'transform="rotate(-90 18 {(top + height - bottom) / 2})">mode strength u = a b</text>')
parts.append(f'<polyline fill="none" stroke="#0072b2" stroke-width="2.5" '
             f'points="{path((t / 2, flow(t / 2)) for t in range(0, 2 * end + 1))}"/>')
parts.append(f'<polyline fill="none" stroke="#d55e00" stroke-width="2" stroke-dasharray="6 4" '
             f'points="{path(enumerate(descent))}"/>')
# The legend sits in the empty lower right, below the learned plateau and right of the rise.
lx, ly = x(315), y(0.7)
parts.append(f'<line x1="{lx}" x2="{lx + 30}" y1="{ly}" y2="{ly}" stroke="#0072b2" stroke-width="2.5"/>')
parts.append(f'<text x="{lx + 38}" y="{ly + 4}">closed form (logistic law, a = s - lambda = {a:g})</text>')
parts.append(f'<line x1="{lx}" x2="{lx + 30}" y1="{ly + 20}" y2="{ly + 20}" stroke="#d55e00" '
             f'stroke-width="2" stroke-dasharray="6 4"/>')
parts.append(f'<text x="{lx + 38}" y="{ly + 24}">gradient descent, learning rate 1/tau = {1 / tau:g}</text>')
parts.append("</svg>")

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = os.path.join(root, "Sources/Lindyn/Lindyn.docc/Resources/first-check.png")
os.makedirs(os.path.dirname(out), exist_ok=True)
tmp = os.path.join(root, ".build/first-check.svg")
os.makedirs(os.path.dirname(tmp), exist_ok=True)
with open(tmp, "w") as f:
    f.write("\n".join(parts) + "\n")
try:
    subprocess.run(["rsvg-convert", "-w", str(2 * width), "-o", out, tmp], check=True)
except (OSError, subprocess.CalledProcessError) as error:
    sys.exit(f"tutorial-figure: rsvg-convert failed ({error}); install librsvg2-bin")
print(f"tutorial-figure: wrote {os.path.relpath(out, root)}")
