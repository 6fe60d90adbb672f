"""The overview's month chart as geometry for a server-rendered SVG (no script, no inline style): bars,
month labels and a value axis with round ticks."""

import math


def ticks(peak, most=5):
    """Round values from 0 up to at least `peak`, at most `most` steps of 1, 2 or 5 × 10ⁿ (whole numbers)."""
    if peak <= 0:
        return [0, 1]
    step = 1
    while True:
        for factor in (1, 2, 5):
            candidate = factor * step
            if math.ceil(peak / candidate) <= most:
                top = math.ceil(peak / candidate) * candidate
                return list(range(0, top + 1, candidate))
        step *= 10


def chart(months, width=720, height=180, label_height=20, axis_width=50, top=10):
    """Bars over the plot area right of the value axis, scaled to the highest tick; about 12 month labels."""
    values = ticks(max((n for _m, n in months), default=0))
    scale = (height - top) / values[-1]
    slot = (width - axis_width) / max(len(months), 1)
    label_every = max(1, -(-len(months) // 12))
    bars = []
    for index, (month, n) in enumerate(months):
        bar_height = round(n * scale, 1)
        left = axis_width + index * slot
        bars.append(
            {
                "x": round(left + slot * 0.1, 1),
                "y": round(height - bar_height, 1),
                "width": round(slot * 0.8, 1),
                "height": bar_height,
                "label_x": round(left + slot / 2, 1),
                "labelled": index % label_every == 0,
                "month": month,
                "count": n,
            }
        )
    peak = max(months, key=lambda item: item[1], default=None)
    return {
        "bars": bars,
        "ticks": [{"value": value, "y": round(height - value * scale, 1)} for value in values],
        "axis_x": axis_width,
        "axis_top": top,
        "tick_label_x": axis_width - 6,
        "width": width,
        "height": height,
        "full_height": height + label_height,
        "label_y": height + label_height - 5,
        "peak_month": peak[0] if peak and peak[1] else None,
        "peak": peak[1] if peak else 0,
        "total": sum(n for _m, n in months),
    }
