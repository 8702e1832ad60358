import { execFile } from 'node:child_process';

/**
 * The Prometheus project's text-format parser (client_python's, Debian's python3-prometheus-client):
 * every sample of a scrape as JSON, with its family's type. It fails on text Prometheus would
 * refuse, so the exposition itself is checked too.
 */
const PARSER = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
def number(v):
    # JSON has no NaN or infinities: those travel as the strings JavaScript's Number() reads.
    return v if math.isfinite(v) else ("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels, "value": number(s.value)})
json.dump(out, sys.stdout)
`;

export interface Sample {
  family: string;
  type: string;
  /** The sample's own name: a histogram's are `_bucket`, `_sum` and `_count`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape, parsed. */
export interface Scrape {
  samples: Sample[];
  /** The value of the sample with this name and (at least) these labels; undefined when absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The label sets of every sample with this name. */
  series(name: string): Record<string, string>[];
}

export function parseScrape(text: string): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/python3', ['-c', PARSER], (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`the Prometheus parser refused the scrape: ${stderr || error.message}`));
        return;
      }
      let samples: Sample[];
      try {
        samples = (JSON.parse(stdout) as (Sample & { value: number | string })[]).map((sample) => ({
          ...sample,
          value: Number(sample.value),
        }));
      } catch (parseError) {
        reject(parseError);
        return;
      }
      const matching = (name: string, labels: Record<string, string>) =>
        samples.filter(
          (sample) =>
            sample.name === name &&
            Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
        );
      resolve({
        samples,
        value: (name, labels = {}) => matching(name, labels)[0]?.value,
        series: (name) => matching(name, {}).map((sample) => sample.labels),
      });
    });
    child.stdin?.end(text);
  });
}

/** GET /metrics (with a token, if given): the status, and the parsed scrape when it answered 200. */
export async function scrape(
  url: string,
  token?: string,
): Promise<{ status: number; contentType: string | null; scrape: Scrape | undefined }> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    scrape: response.status === 200 ? await parseScrape(text) : undefined,
  };
}
