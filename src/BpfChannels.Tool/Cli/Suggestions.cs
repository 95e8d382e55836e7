namespace BpfChannels.Tool;

/// <summary>"Did you mean" for mistyped words: the closest candidate by edit distance, when it is close.</summary>
internal static class Suggestions
{
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(word.TrimStart('-'), candidate.TrimStart('-'));
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(1, best.TrimStart('-').Length / 3) ? best : null;
    }

    /// <summary>Edit distance counting a swap of two neighbouring letters as one edit (mpa, map), as typists make them.</summary>
    private static int Distance(string a, string b)
    {
        int width = b.Length + 1;
        Span<int> rows = stackalloc int[3 * width]; // the row two back, the previous row, the current row
        for (int j = 0; j < width; j++)
        {
            rows[width + j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            Span<int> twoBack = rows[..width], previous = rows.Slice(width, width), current = rows.Slice(2 * width, width);
            current[0] = i;
            for (int j = 1; j < width; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int best = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    best = Math.Min(best, twoBack[j - 2] + 1);
                }

                current[j] = best;
            }

            previous.CopyTo(twoBack);
            current.CopyTo(previous);
        }

        return rows[width + b.Length];
    }
}
