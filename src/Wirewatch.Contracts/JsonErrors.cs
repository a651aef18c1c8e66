using System.Text.Json;

namespace Wirewatch.Contracts;

/// <summary>
/// Says where a JSON file (a data file, a settings file) is broken and how, in words a person can act on: the file,
/// the line and column (counted from 1), the key, and the mistake, without System.Text.Json's advice to change reader
/// options the user does not control.
/// </summary>
public static class JsonErrors
{
    /// <summary>For example: <c>'sources.json' is not valid JSON at line 4, column 3 (key sources[1]): there is a comma after the last item; remove it.</c></summary>
    public static string Describe(string file, JsonException error)
    {
        var where = error.LineNumber is { } line
            ? $" at line {line + 1}, column {(error.BytePositionInLine ?? 0) + 1}"
            : "";
        var key = error.Path is { Length: > 1 } path && path != "$" ? $" (key {path.TrimStart('$').TrimStart('.')})" : "";
        return $"'{file}' is not valid JSON{where}{key}: {Mistake(error.Message)}.";
    }

    private static string Mistake(string message)
    {
        if (message.Contains("trailing comma", StringComparison.Ordinal))
        {
            return "there is a comma after the last item; remove it";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return "the value has the wrong type for this key (text, a number, true/false, a list or an object where another is expected)";
        }

        if (message.Contains("is invalid after a value", StringComparison.Ordinal) && !message.StartsWith("'/'", StringComparison.Ordinal))
        {
            return "a comma is missing before this (or a bracket or brace is)";
        }

        if (message.StartsWith("'/'", StringComparison.Ordinal))
        {
            return "JSON has no comments; remove the // or /* */ text";
        }

        if (message.Contains("Expected depth to be zero", StringComparison.Ordinal) || message.Contains("end of data", StringComparison.Ordinal))
        {
            return "the file ends before every { and [ is closed";
        }

        // The reader's own description, without its position suffix (said above, counted from 1) and its advice.
        var end = message.IndexOf(" Path: ", StringComparison.Ordinal) is var p and >= 0 ? p
            : message.IndexOf(" LineNumber: ", StringComparison.Ordinal) is var l and >= 0 ? l
            : message.Length;
        return message[..end].Replace(" Change the reader options.", "", StringComparison.Ordinal).TrimEnd('.', ' ');
    }
}
