// The final condition as the user wrote it, for the Condition line of the reports (herd7
// prints it the same way: from its keyword to its closing parenthesis, on one line).

/** The text of the condition starting at `offset`: up to its balanced closing parenthesis, whitespace folded. */
export function conditionText(text: string, offset: number): string {
  const rest = text.slice(offset);
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "(") depth++;
    if (rest[i] === ")" && --depth === 0) return rest.slice(0, i + 1).replace(/\s+/g, " ");
  }
  return rest.split("\n")[0].trim();
}
