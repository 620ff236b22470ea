// The VS Code side of pageproof: starts `pageproof lsp --stdio` for .litmus files (diagnostics,
// hover, definition and completion come from the server) and adds one command, "pageproof: Check
// this scenario", which runs the server's pageproof.check with a cancellable progress
// notification. The result also lands in the Problems panel as the server's diagnostic.

import * as path from "node:path";
import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, LSPErrorCodes, ResponseError, ServerOptions } from "vscode-languageclient/node";

/** What the server's pageproof.check answers (src/lsp/check-command.ts, CheckSummary). */
interface CheckSummary {
  verdict: "pass" | "violation" | "incomplete" | "error";
  kind?: string;
  message: string;
  line: number;
  observation?: string;
  expectation?: { met: boolean; detail: string };
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("pageproof");
  const serverOptions: ServerOptions = {
    command: config.get<string>("server.command") || "pageproof",
    args: [...config.get<string[]>("server.args", []), "lsp", "--stdio"],
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "litmus" },
      { scheme: "untitled", language: "litmus" },
    ],
  };
  client = new LanguageClient("pageproof", "pageproof", serverOptions, clientOptions);
  context.subscriptions.push(vscode.commands.registerCommand("pageproof.checkScenario", (uri?: vscode.Uri) => checkScenario(uri)));
  await client.start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}

async function checkScenario(uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!client || !target) return;
  await vscode.workspace.openTextDocument(target); // the server checks the text as the editor has it
  const name = path.basename(target.path);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `pageproof: checking ${name}`, cancellable: true },
    async (_progress, token) => {
      try {
        const r = (await client!.sendRequest(ExecuteCommandRequest.type, { command: "pageproof.check", arguments: [target.toString()] }, token)) as CheckSummary;
        const first = r.message.split("\n")[0];
        const text = `${name}: ${first}${r.observation ? ` — ${r.observation}` : ""}${r.expectation ? ` (expectation ${r.expectation.met ? "met" : "NOT met"})` : ""}`;
        if (r.verdict === "pass" && r.expectation?.met !== false) void vscode.window.showInformationMessage(text);
        else void vscode.window.showWarningMessage(`${text} (line ${r.line})`);
      } catch (e) {
        if (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled) return;
        void vscode.window.showErrorMessage(`pageproof: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  );
}
