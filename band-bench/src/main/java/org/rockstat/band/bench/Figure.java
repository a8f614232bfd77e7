package org.rockstat.band.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One figure: the per-round samples of Band and of its raw twin; reported as medians and their ratio. */
final class Figure {
    final String name;
    final String unit;
    final boolean higherIsBetter;
    final List<Double> band = new ArrayList<>();
    final List<Double> raw = new ArrayList<>();
    final Map<String, Object> params = new LinkedHashMap<>();

    Figure(String name, String unit, boolean higherIsBetter) {
        this.name = name;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
    }

    boolean hasRaw() {
        return !raw.isEmpty();
    }

    Double bandMedian() {
        return median(band);
    }

    Double rawMedian() {
        return median(raw);
    }

    Double ratio() {
        Double b = bandMedian();
        Double r = rawMedian();
        return b == null || r == null || r == 0 ? null : b / r;
    }

    static Double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return null;
        }
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    /** (max - min) / median, in percent; null with fewer than two samples. */
    static Double spread(List<Double> xs) {
        if (xs.size() < 2) {
            return null;
        }
        double min = xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return 100 * (max - min) / median(xs);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("band", round(bandMedian()));
        m.put("raw", hasRaw() ? round(rawMedian()) : null);
        m.put("ratio", ratio() == null ? null : round(ratio()));
        m.put("unit", unit);
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.put("rounds", band.size());
        p.put("band_samples", band.stream().map(Figure::round).toList());
        p.put("band_spread_pct", round(spread(band)));
        if (hasRaw()) {
            p.put("raw_samples", raw.stream().map(Figure::round).toList());
            p.put("raw_spread_pct", round(spread(raw)));
        }
        m.put("params", p);
        return m;
    }

    static Double round(Double v) {
        if (v == null) {
            return null;
        }
        double a = Math.abs(v);
        double scale = a >= 1000 ? 1 : a >= 10 ? 10 : a >= 1 ? 100 : 1000;
        return Math.round(v * scale) / scale;
    }

    @Override
    public String toString() {
        return name + " band=" + band + " raw=" + raw + " " + Arrays.asList(params);
    }
}
