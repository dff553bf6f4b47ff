#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks one of llctl's SVG charts as a reader sees it (svg_test.c runs it).

Always:
  - rsvg-convert renders it to PNG, whose IHDR width and height are the
    SVG's declared width and height;
  - no two <text> elements' ink overlaps: each text's ink box is measured
    by the renderer itself, not estimated (below);
  - no legend (a group of class "legend") overlaps the data (groups of
    class "data").
Options add: --axis WHICH=log|linear (the scale of the axis group of class
"axis ... WHICH"; a log axis's labels are decades: 1, 10 or 100 of ns, us,
ms or s), --usl N:X,... (the peak marker's x is the USL's N* fitted here
from those points, read through the x axis's own tick labels), --flame
REGEX=PCT:FRAME (the flame graph's script, palettes and widths; its
script run by node, when installed, on a stand-in DOM: a search for
REGEX says PCT, a click on FRAME zooms to it, Reset Zoom undoes it).

How an ink box is measured: in a copy of the document each element is
painted in a colour of its own, and rsvg-convert -f svg renders it to SVG
again, its text as glyph outlines placed on the page (cairo's SVG
surface), each outline in its element's colour. The box of an element is
then that of its outlines' points: the renderer's own glyphs, whatever
font it picked, rotations applied. Two renders a chart (texts, then
legend and data groups), not one per element.
"""
import copy
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "http://www.w3.org/2000/svg"
SVG = "{%s}" % NS
ET.register_namespace("", NS)
# Ink boxes are outlines' control points, a little larger than the ink:
# boxes that share less than this are not overlapping.
SLACK = 0.5
failures = []


def fail(msg):
    failures.append(msg)
    print("# FAIL: " + msg)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError("%s is not a PNG" % path)
    return struct.unpack(">II", head[16:24])


def render(svg, out, export_id=None):
    cmd = ["rsvg-convert", "-o", out]
    if export_id:
        cmd += ["-i", export_id]
    cmd.append(svg)
    subprocess.run(cmd, check=True, stderr=subprocess.PIPE)
    return png_size(out)


def classes(el):
    return (el.get("class") or "").split()


def text_of(el):
    return "".join(el.itertext()).strip()


def code_colour(code):
    return "#%06x" % code


STYLE_RGB = re.compile(r"(fill|stroke):rgb\(([0-9.]+)%,([0-9.]+)%,([0-9.]+)%\)")
STROKE_W = re.compile(r"stroke-width:([0-9.]+)")


def path_box(d):
    """The box of the points path data @d draws through (cairo writes
    absolute M, L, C and Z only); a last moveto draws nothing. Curves lie
    inside their control points' hull: the box holds the ink."""
    xs, ys = [], []
    pending = None
    for cmd, args in re.findall(r"([MLCZ])([^MLCZ]*)", d):
        nums = [float(v) for v in args.split()]
        pts = list(zip(nums[0::2], nums[1::2]))
        if cmd == "M":
            pending = pts[-1] if pts else None
            continue
        if pending is not None:
            xs.append(pending[0])
            ys.append(pending[1])
            pending = None
        for x, y in pts:
            xs.append(x)
            ys.append(y)
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def colour_code(el, code, deep):
    """@el (and its descendants with @deep) painted in colour @code, inline
    (an inline style overrides style sheets: the flame graph's)."""
    for e in (el.iter() if deep else [el]):
        if e.tag not in (SVG + "text", SVG + "rect", SVG + "line", SVG + "polyline",
                         SVG + "circle", SVG + "path"):
            continue
        style = []
        if e.tag == SVG + "text" or (e.get("fill") or "") not in ("none",):
            if e.tag != SVG + "line":
                style.append("fill:" + code_colour(code))
        if e.get("stroke"):
            style.append("stroke:" + code_colour(code))
        e.set("style", ";".join(style))


def ink_boxes(path, tree, elements, work, deep=False):
    """{index: (x0, y0, x1, y1) or None (no ink)} of @elements' ink.

    One render: each element is painted in a colour of its own and
    rsvg-convert writes the document as SVG again, with text turned into
    glyph outlines in page coordinates (cairo's SVG surface); each outline
    path carries its element's colour. The box of a path is its points',
    a stroke's widened by half its width."""
    doc = copy.deepcopy(tree)
    orig = list(tree.getroot().iter())
    dup = list(doc.getroot().iter())
    for i, el in enumerate(elements):
        colour_code(dup[orig.index(el)], i + 1, deep)
    coded = os.path.join(work, "coded.svg")
    doc.write(coded, xml_declaration=True, encoding="UTF-8")
    out = os.path.join(work, "outlines.svg")
    subprocess.run(["rsvg-convert", "-f", "svg", "-o", out, coded], check=True)
    boxes = {i: None for i in range(len(elements))}
    for p in ET.parse(out).getroot().iter(SVG + "path"):
        style = p.get("style") or ""
        box = path_box(p.get("d") or "")
        if box is None:
            continue
        for kind, r, g, b in STYLE_RGB.findall(style):
            code = (round(float(r) * 2.55) << 16 | round(float(g) * 2.55) << 8 |
                    round(float(b) * 2.55))
            if not 1 <= code <= len(elements):
                continue
            pad = 0.0
            if kind == "stroke":
                m = STROKE_W.search(style)
                pad = float(m.group(1)) / 2 if m else 0.5
            bx = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
            old = boxes[code - 1]
            boxes[code - 1] = bx if old is None else (
                min(old[0], bx[0]), min(old[1], bx[1]), max(old[2], bx[2]), max(old[3], bx[3]))
    return boxes


def overlap(a, b):
    return (min(a[2], b[2]) - max(a[0], b[0]) > SLACK and
            min(a[3], b[3]) - max(a[1], b[1]) > SLACK)


def check_layout(path, tree, work):
    root = tree.getroot()
    w, h = root.get("width"), root.get("height")
    png = os.path.join(work, "whole.png")
    size = render(path, png)
    if size != (int(float(w)), int(float(h))):
        fail("PNG is %dx%d, the SVG says %sx%s" % (size + (w, h)))
    else:
        print("# PNG %dx%d as declared" % size)
    texts = [t for t in root.iter(SVG + "text") if text_of(t)]
    boxes = ink_boxes(path, tree, texts, work)
    drawn = [i for i in boxes if boxes[i]]
    print("# %d texts, %d with ink" % (len(texts), len(drawn)))
    for k, i in enumerate(drawn):
        for j in drawn[k + 1:]:
            if overlap(boxes[i], boxes[j]):
                fail("texts overlap: '%s' %s and '%s' %s" %
                     (text_of(texts[i]), boxes[i], text_of(texts[j]), boxes[j]))
    legends = [g for g in root.iter(SVG + "g") if "legend" in classes(g)]
    data = [g for g in root.iter(SVG + "g") if "data" in classes(g)]
    groups = ink_boxes(path, tree, legends + data, work, deep=True)
    for i in range(len(legends)):
        for j in range(len(legends), len(legends) + len(data)):
            if groups[i] and groups[j] and overlap(groups[i], groups[j]):
                fail("legend %s overlaps data %s" % (groups[i], groups[j]))
    print("# %d legends against %d data groups" % (len(legends), len(data)))
    return texts, boxes


def axis_group(root, which):
    for g in root.iter(SVG + "g"):
        c = classes(g)
        if "axis" in c and which in c:
            return g
    return None


def ticks(g):
    """(pixel, label) of the axis's labelled ticks."""
    out = []
    for t in g.iter(SVG + "text"):
        anchor = t.get("text-anchor")
        px = float(t.get("x")) if anchor == "middle" else float(t.get("y")) - 3.5
        out.append((px, text_of(t)))
    return out


def check_axis(root, spec):
    which, scale = spec.split("=")
    g = axis_group(root, which)
    if g is None:
        fail("no axis of class '%s'" % which)
        return
    c = classes(g)
    if scale not in c:
        fail("the %s axis is %s, not %s" % (which, " ".join(c), scale))
        return
    tk = ticks(g)
    labels = [lab for _, lab in tk]
    print("# the %s axis is %s: %s" % (which, scale, ", ".join(labels)))
    if scale != "log":
        return
    bad = [lab for lab in labels if not re.fullmatch(r"(0\.0*1|1|10|100) (ns|us|ms|s)", lab)]
    if bad or len(labels) < 2:
        fail("log axis labels are not decades in time units: %s" % labels)
        return
    # Decades equally apart, in the labels' order of value.
    steps = [b[0] - a[0] for a, b in zip(tk, tk[1:])]
    vals = [value(lab) for lab in labels]
    if (max(steps) - min(steps) > 0.5 or
            any(abs(b / a - 10) > 1e-6 for a, b in zip(vals, vals[1:]))):
        fail("log axis ticks are not a decade apart each: %s at %s" %
             (labels, [round(p, 2) for p, _ in tk]))


def value(label):
    """A tick label's number ("12", "1.5 us" in ns)."""
    m = re.fullmatch(r"(-?[0-9.e+]+)(?: (ns|us|ms|s))?", label)
    scale = {None: 1, "ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[m.group(2)]
    return float(m.group(1)) * scale


def usl_fit(points):
    """sigma, kappa by Gunther's linearisation: N / C(N) - 1 against N - 1
    and N (N - 1), C(N) = X(N) / X(1), least squares through the origin."""
    x1 = dict(points)[1.0]
    a = b = c = d = e = 0.0
    for n, x in points:
        if n == 1:
            continue
        y = n / (x / x1) - 1
        u, v = n - 1, n * (n - 1)
        a, b, c = a + u * u, b + u * v, c + v * v
        d, e = d + u * y, e + v * y
    det = a * c - b * b
    return (d * c - b * e) / det, (a * e - b * d) / det


def check_usl(root, spec):
    points = [tuple(float(v) for v in p.split(":")) for p in spec.split(",")]
    sigma, kappa = usl_fit(points)
    nstar = math.sqrt((1 - sigma) / kappa)
    tk = [(px, value(lab)) for px, lab in ticks(axis_group(root, "x"))]
    (p0, v0), (p1, v1) = tk[0], tk[-1]
    want = p0 + (nstar - v0) * (p1 - p0) / (v1 - v0)
    peak = root.find(".//%sg[@id='usl-peak']" % SVG)
    if peak is None:
        fail("no peak marker (g id usl-peak)")
        return
    line = peak.find(SVG + "line")
    got = float(line.get("x1"))
    print("# USL here: sigma %.4f kappa %.5f N* %.3f: x %.2f; the marker's x %.2f" %
          (sigma, kappa, nstar, want, got))
    if abs(got - want) > 0.5:
        fail("the peak marker is at x %.2f, N* %.3f is at %.2f" % (got, nstar, want))


def rgb(fill):
    return tuple(int(v) for v in re.fullmatch(r"rgb\((\d+),(\d+),(\d+)\)", fill).groups())


def run_script(root, frames_xml, work, arg):
    """The flame graph's script under node (svg_flame.js): @arg is
    REGEX=PERCENT:FRAME, a search and the share it must say, a frame to
    zoom to."""
    if not shutil.which("node"):
        print("# node is not installed: the script is not run")
        return
    search, zoom = arg.rsplit(":", 1)
    regex, pct = search.rsplit("=", 1)
    spec = {"width": float(root.get("width")), "script": root.find(SVG + "script").text,
            "search": [regex, float(pct)], "zoom": zoom, "frames": []}
    for g in frames_xml:
        rect, text = g.find(SVG + "rect"), g.find(SVG + "text")
        spec["frames"].append({"cls": g.get("class"), "title": text_of(g.find(SVG + "title")),
                               "x": float(rect.get("x")), "y": float(rect.get("y")),
                               "w": float(rect.get("width")), "fill": rect.get("fill"),
                               "text": text_of(text) if text is not None else None})
    js = os.path.join(work, "frames.json")
    with open(js, "w") as f:
        json.dump(spec, f)
    here = os.path.dirname(os.path.abspath(__file__))
    run = subprocess.run(["node", os.path.join(here, "svg_flame.js"), js],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in run.stdout.splitlines():
        print("# node: " + line)
    if run.returncode:
        fail("the script's zoom and search, run by node, failed")


def check_flame(path, root, work, arg):
    try:
        subprocess.run(["xmllint", "--noout", path], check=True)
    except FileNotFoundError:
        fail("xmllint is not installed")
    except subprocess.CalledProcessError:
        fail("xmllint refuses it")
    script = root.find(SVG + "script")
    code = script.text if script is not None else ""
    for want in ("function zoom", "function unzoom", "function search", "RegExp",
                 "ctrlKey", "Matched: "):
        if want not in code:
            fail("the script lacks '%s'" % want)
    for id_ in ("unzoom", "search", "matched"):
        if root.find(".//*[@id='%s']" % id_) is None:
            fail("no element of id '%s'" % id_)
    per_sample = []
    frames = []
    frames_xml = []
    for g in root.iter(SVG + "g"):
        c = classes(g)
        if "f" not in c:
            continue
        frames_xml.append(g)
        title = text_of(g.find(SVG + "title"))
        rect = g.find(SVG + "rect")
        m = re.search(r"^(.*?)(?: \(([^()]*)\))?: (\d+) samples", title)
        name, samples = m.group(1), int(m.group(3))
        r, gr, b = rgb(rect.get("fill"))
        kind = c[1]
        frames.append((name, kind, samples, float(rect.get("width"))))
        per_sample.append(float(rect.get("width")) / samples)
        if name.startswith("k_") and not (kind == "k" and b > r and gr > r):
            fail("kernel frame %s is %s %s, not aqua" % (name, kind, rect.get("fill")))
        if name.startswith("u_") and not (kind == "u" and r > b and r >= gr):
            fail("user frame %s is %s %s, not warm" % (name, kind, rect.get("fill")))
    spread = max(per_sample) - min(per_sample)
    print("# %d frames, %.4f..%.4f px a sample" % (len(frames), min(per_sample),
                                                   max(per_sample)))
    # widths are printed to 0.1 px: proportional within that
    if any(abs(w - s * per_sample[0]) > 0.1 for _, _, s, w in frames):
        fail("widths are not proportional to samples (spread %.4f px a sample)" % spread)
    run_script(root, frames_xml, work, arg)
    return frames


def main(argv):
    path = argv[1]
    opts = argv[2:]
    tree = ET.parse(path)
    root = tree.getroot()
    work = tempfile.mkdtemp(prefix="svg_check.")
    try:
        check_layout(path, tree, work)
        while opts:
            opt, arg = opts[0], opts[1] if len(opts) > 1 else None
            if opt == "--axis":
                check_axis(root, arg)
            elif opt == "--usl":
                check_usl(root, arg)
            elif opt == "--flame":
                check_flame(path, root, work, arg)
            else:
                fail("unknown option " + opt)
            opts = opts[2:]
    finally:
        shutil.rmtree(work)
    print("# %s: %s" % (os.path.basename(path), "FAIL" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
