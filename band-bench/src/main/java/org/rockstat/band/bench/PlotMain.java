package org.rockstat.band.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Renders {@code bench-results.json} to a PNG (headless AWT, no plotting library): one bar per
 * figure with a raw twin, its length the Band/raw ratio, normalised so that longer is always
 * worse (for throughput figures the bar is raw/Band), with the 1x line and the target marked.
 *
 * <pre>java -cp ... org.rockstat.band.bench.PlotMain band-bench/target/bench-results.json docs/bench-ratios.png</pre>
 */
public final class PlotMain {
    private PlotMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        JsonNode results = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
        record Bar(String name, double cost, Double target) {}
        List<Bar> bars = new ArrayList<>();
        for (JsonNode f : results) {
            if (f.get("ratio").isNull() || f.get("name").asText().startsWith("diag.")) {
                continue;
            }
            String name = f.get("name").asText();
            double ratio = f.get("ratio").asDouble();
            boolean higherIsBetter = name.contains("throughput") || name.contains(".rps.");
            double cost = higherIsBetter ? 1 / ratio : ratio;
            Double target = switch (name) {
                case "rpc.p50" -> 1.3;
                case "rpc.throughput.inflight64" -> 1 / 0.7;
                case "http.rps.c64" -> 1 / 0.8;
                case "dispatch.100B.m10", "dispatch.100B.m1000" -> 2.0;
                default -> null;
            };
            bars.add(new Bar(name, cost, target));
        }
        int rowH = 26;
        int left = 230;
        int width = 900;
        int height = 70 + rowH * bars.size() + 40;
        double max = Math.max(3, bars.stream().mapToDouble(Bar::cost).max().orElse(1) * 1.1);
        double scale = (width - left - 40) / max;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Band cost relative to the raw building block (1.0 = raw; longer is worse)", 20, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("latency, ns/op, ms, MB: band/raw; throughput, requests/s: raw/band. Black tick: target.", 20, 48);
        int top = 65;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = top + i * rowH;
            g.setColor(Color.DARK_GRAY);
            g.drawString(b.name(), 20, y + 16);
            boolean met = b.target() == null || b.cost() <= b.target();
            g.setColor(
                    b.target() == null
                            ? new Color(120, 150, 200)
                            : met ? new Color(90, 170, 90) : new Color(210, 100, 90));
            g.fillRect(left, y + 4, (int) Math.max(1, b.cost() * scale), rowH - 8);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2fx", b.cost()), left + (int) (b.cost() * scale) + 6, y + 16);
            if (b.target() != null) {
                int x = left + (int) (b.target() * scale);
                g.setStroke(new BasicStroke(3));
                g.drawLine(x, y + 1, x, y + rowH - 1);
                g.setStroke(new BasicStroke(1));
            }
        }
        int x1 = left + (int) scale;
        g.setColor(Color.GRAY);
        g.drawLine(x1, top - 4, x1, top + rowH * bars.size());
        g.drawString("1x", x1 - 6, top + rowH * bars.size() + 16);
        g.dispose();
        Path out = Path.of(args[1]);
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        ImageIO.write(img, "png", out.toFile());
        System.out.println("wrote " + out);
    }
}
