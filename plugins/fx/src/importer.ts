// Imports ECB documents (text, file or URL) into a repository. A document is parsed and validated completely
// before anything is written, so a malformed file changes nothing.
import { readFile } from "node:fs/promises";
import { type EcbDocument, parseEcbXml } from "./ecb-xml.ts";
import { FxImportError } from "./errors.ts";
import type { FxCorrection, FxRateRepository } from "./repository.ts";

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** eurofxref-hist.xml is a few MB; anything far larger is not an ECB reference-rate file. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface ImportSummary {
  /** File path, URL or "request body". */
  source: string;
  /** Publications in the document, and the dates they span. */
  publications: number;
  from: string;
  to: string;
  inserted: number;
  unchanged: number;
  corrected: number;
  /** Every change to a date that was already stored. */
  corrections: (FxCorrection & { date: string })[];
}

/** Records a parsed document. */
export async function importEcbDocument(
  repository: FxRateRepository,
  document: EcbDocument,
  source: string,
  at: Date = new Date(),
): Promise<ImportSummary> {
  const outcomes = await repository.recordAll(document.publications, { source, at });
  const summary: ImportSummary = {
    source,
    publications: document.publications.length,
    from: document.publications[0]?.date ?? "",
    to: document.publications.at(-1)?.date ?? "",
    inserted: 0,
    unchanged: 0,
    corrected: 0,
    corrections: [],
  };
  for (const outcome of outcomes) {
    summary[outcome.status]++;
    if (outcome.status === "corrected") {
      summary.corrections.push(...outcome.changes.map((change) => ({ date: outcome.date, ...change })));
    }
  }
  return summary;
}

/** Parses and records ECB XML text. */
export async function importEcbXml(
  repository: FxRateRepository,
  xml: string,
  source: string,
  at: Date = new Date(),
): Promise<ImportSummary> {
  return importEcbDocument(repository, parseEcbXml(xml, source), source, at);
}

/** Reads, parses and records an ECB XML file. */
export async function importEcbFile(repository: FxRateRepository, path: string, at?: Date): Promise<ImportSummary> {
  let xml: string;
  try {
    xml = await readFile(path, "utf8");
  } catch (error) {
    throw new FxImportError("FILE", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return importEcbXml(repository, xml, path, at);
}

export interface FetchOptions {
  /** The whole request, headers and body, must finish within this time; default 30 s. */
  timeoutMs?: number;
  maxBytes?: number;
}

/** GETs an ECB document over HTTP(S): a 2xx answer, within the timeout and the size limit. */
export async function fetchEcbXml(url: string, options: FetchOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FxImportError("INVALID_URL", `not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FxImportError("INVALID_URL", `only http and https URLs can be fetched, got ${url}`);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (error: unknown): FxImportError => {
    if (signal.aborted) {
      return new FxImportError("TIMEOUT", `GET ${url} timed out after ${timeoutMs} ms`, { cause: error });
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    return new FxImportError("NETWORK", `GET ${url} failed: ${reason}`, { cause: error });
  };

  let response: Response;
  try {
    response = await fetch(url, {
      signal,
      headers: { accept: "application/xml, text/xml;q=0.9, */*;q=0.1" },
      redirect: "follow",
    });
  } catch (error) {
    throw failed(error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new FxImportError(
      "HTTP_STATUS",
      `GET ${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
    );
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new FxImportError("TOO_LARGE", `GET ${url}: the body of ${declared} bytes exceeds ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  try {
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        await response.body?.cancel().catch(() => {});
        throw new FxImportError("TOO_LARGE", `GET ${url}: the body exceeds ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof FxImportError) throw error;
    throw failed(error);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch (error) {
    throw new FxImportError("ENCODING", `GET ${url}: the body is not valid UTF-8`, { cause: error });
  }
}

/** Fetches, parses and records an ECB document. */
export async function importEcbUrl(
  repository: FxRateRepository,
  url: string,
  options: FetchOptions & { at?: Date } = {},
): Promise<ImportSummary> {
  const xml = await fetchEcbXml(url, options);
  return importEcbXml(repository, xml, url, options.at);
}
