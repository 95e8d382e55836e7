using System.Globalization;

namespace BpfChannels.Tool;

/// <summary>
/// Opens the map a command names. bpftool's forms (<c>id 5</c>, <c>pinned PATH</c>, <c>name NAME</c>) and the short
/// ones (<c>5</c>, <c>id:5</c>, a path, <c>name:NAME</c> or a bare name).
/// </summary>
internal static class MapTarget
{
    public const string Help = "MAP is 'id N', 'pinned PATH' or 'name NAME' (as bpftool takes it), or one word: 42, id:42, a pin path, name:NAME or NAME";

    /// <summary>Opens the one map the words name.</summary>
    public static BpfMap Open(Words words, BpfPinAccess access)
    {
        List<uint> ids = Resolve(words, out BpfMap? pinned, access);
        if (pinned is not null)
        {
            return pinned;
        }

        return ids.Count == 1
            ? OpenId(ids[0], access)
            : throw new UsageException($"{ids.Count} maps have that name (ids {string.Join(", ", ids)}); name one by id.");
    }

    /// <summary>Opens every map the words name (a name may match several, as in bpftool map show name X).</summary>
    public static List<BpfMap> OpenAll(Words words, BpfPinAccess access)
    {
        List<uint> ids = Resolve(words, out BpfMap? pinned, access);
        if (pinned is not null)
        {
            return [pinned];
        }

        var maps = new List<BpfMap>(ids.Count);
        foreach (uint id in ids)
        {
            maps.Add(OpenId(id, access));
        }

        return maps;
    }

    private static List<uint> Resolve(Words words, out BpfMap? pinned, BpfPinAccess access)
    {
        pinned = null;
        string first = words.Next("a map (" + Help + ")");
        switch (first)
        {
            case "id":
                return [ParseId(words.Next("a map id after 'id'"))];
            case "pinned":
                pinned = OpenPinned(words.Next("a path after 'pinned'"), access);
                return [];
            case "name":
                return ByName(words.Next("a map name after 'name'"));
        }

        if (first.StartsWith("id:", StringComparison.Ordinal))
        {
            return [ParseId(first[3..])];
        }

        if (Words.TryParseNumber(first, out _))
        {
            return [ParseId(first)];
        }

        if (first.Contains('/', StringComparison.Ordinal))
        {
            pinned = OpenPinned(first, access);
            return [];
        }

        return ByName(first.StartsWith("name:", StringComparison.Ordinal) ? first[5..] : first);
    }

    private static uint ParseId(string text) =>
        Words.TryParseNumber(text, out ulong id) && id is > 0 and <= uint.MaxValue
            ? (uint)id
            : throw new UsageException($"'{text}' is not a map id (a positive number, as 'bpfchan map show' lists them).");

    private static BpfMap OpenId(uint id, BpfPinAccess access)
    {
        try
        {
            return BpfMap.OpenById(id, access);
        }
        catch (BpfException e) when (e.Error == BpfError.NotFound)
        {
            throw new NotFoundException($"No map has id {id.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static BpfMap OpenPinned(string path, BpfPinAccess access)
    {
        try
        {
            return BpfMap.OpenPinned(path, access);
        }
        catch (Exception e) when (e is BpfException or ArgumentException && !File.Exists(path))
        {
            // Looked at only when the open failed: a pin that opens costs no stat of its own (bpftool's order too).
            throw new NotFoundException(Directory.Exists(path) ? $"{path} is a directory, not a pin." : $"Nothing is pinned at {path}.");
        }
        catch (BpfException e) when (e.Error == BpfError.InvalidArgument)
        {
            throw new UsageException($"{path} is pinned but is not a map (a program or a link?).");
        }
        catch (BpfException e) when (e.Error == BpfError.NotFound)
        {
            throw new NotFoundException($"Nothing is pinned at {path}.");
        }
    }

    private static List<uint> ByName(string name)
    {
        if (name.Length is 0 or > 15)
        {
            throw new UsageException($"'{name}' cannot be a map name (1 to 15 characters).");
        }

        var ids = new List<uint>();
        foreach (BpfMapInfo info in BpfMapInfo.GetAll())
        {
            if (info.Name == name)
            {
                ids.Add(info.Id);
            }
        }

        return ids.Count > 0 ? ids : throw new NotFoundException($"No map is named '{name}'.");
    }
}
