import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';

describe('the renderer type check', () => {
  it('has no Node types: a file using process, require or Buffer fails it', () => {
    const file = 'src/renderer/tsconfig.json';
    const config = ts.readConfigFile(file, (p) => readFileSync(p, 'utf8'));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, 'src/renderer');
    expect(parsed.options.types).toEqual([]);
    const probe = '/virtual/probe.ts';
    const host = ts.createCompilerHost(parsed.options);
    const read = host.readFile.bind(host);
    host.readFile = (p) =>
      p === probe ? 'export const x = [process.env, require, Buffer.from("")];' : read(p);
    const exists = host.fileExists.bind(host);
    host.fileExists = (p) => p === probe || exists(p);
    // Every renderer file is in the program, so one that pulls Node types in would show here.
    const program = ts.createProgram([...parsed.fileNames, probe], parsed.options, host);
    const codes = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(probe))
      .map((d) => d.code);
    expect(codes.filter((c) => c === 2580 || c === 2591)).toHaveLength(3);
  }, 60_000);
});
