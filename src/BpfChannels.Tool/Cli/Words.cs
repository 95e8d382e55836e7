using System.Globalization;

namespace BpfChannels.Tool;

/// <summary>
/// The positional words of a command, read left to right the way bpftool reads its argv
/// (<c>id 5 key 0x2a 0 0 0 value hex 01 00 noexist</c>), with the short forms beside them.
/// </summary>
internal sealed class Words(IReadOnlyList<string> words)
{
    /// <summary>The words that end a key or value's data.</summary>
    private static readonly string[] Keywords = ["key", "value", "any", "noexist", "exist"];

    private int _next;

    public bool AtEnd => _next >= words.Count;

    public string? Peek => AtEnd ? null : words[_next];

    public int Remaining => words.Count - _next;

    public string Next(string what) => !AtEnd ? words[_next++] : throw new UsageException($"Expected {what}.");

    public bool TryTake(string word)
    {
        if (Peek == word)
        {
            _next++;
            return true;
        }

        return false;
    }

    /// <summary>The words up to the next keyword (key, value, any, noexist, exist) or the end.</summary>
    public List<string> TakeData()
    {
        var data = new List<string>();
        while (!AtEnd && Array.IndexOf(Keywords, words[_next]) < 0)
        {
            data.Add(words[_next++]);
        }

        return data;
    }

    public void ExpectEnd(string command)
    {
        if (!AtEnd)
        {
            string hint = Suggestions.Closest(words[_next], Keywords) is { } close ? $" Did you mean '{close}'?" : string.Empty;
            throw new UsageException($"'{command}' does not take '{words[_next]}'.{hint}");
        }
    }

    /// <summary>Parses a number as bpftool does (strtoul base 0: 42, 0x2a, 052).</summary>
    public static bool TryParseNumber(string text, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || text[0] is '-' or '+')
        {
            return false;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return text.Length > 2 && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (text.Length > 1 && text[0] == '0')
        {
            foreach (char c in text.AsSpan(1))
            {
                if (c is < '0' or > '7')
                {
                    return false;
                }

                value = checked((value * 8) + (ulong)(c - '0'));
            }

            return true;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
