using System.Globalization;

namespace BpfChannels.Tool;

/// <summary>Finds the map a command names: by id, pin path or name; and which maps are pinned where.</summary>
internal static class MapResolver
{
    public static BpfMap Open(string reference, BpfPinAccess access)
    {
        string idText = reference.StartsWith("id:", StringComparison.Ordinal) ? reference[3..] : reference;
        if (uint.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
        {
            return BpfMap.OpenById(id, access);
        }

        if (reference.Contains('/', StringComparison.Ordinal))
        {
            if (!File.Exists(reference))
            {
                throw new NotFoundException($"Nothing is pinned at {reference}.");
            }

            return BpfMap.OpenPinned(reference, access);
        }

        string name = reference.StartsWith("name:", StringComparison.Ordinal) ? reference[5..] : reference;
        var matches = BpfMapInfo.GetAll().Where(info => info.Name == name).ToList();
        return matches.Count switch
        {
            0 => throw new NotFoundException($"No map is named '{name}'."),
            1 => BpfMap.OpenById(matches[0].Id, access),
            _ => throw new UsageException($"{matches.Count} maps are named '{name}' (ids {string.Join(", ", matches.Select(m => m.Id))}); use the id."),
        };
    }

    /// <summary>Map id to pin path for every map pinned under the bpffs mount.</summary>
    public static Dictionary<uint, string> FindPins()
    {
        var pins = new Dictionary<uint, string>();
        if (!BpfSystem.IsOnBpfFs(BpfSystem.DefaultBpfFsPath))
        {
            return pins;
        }

        var files = Directory.EnumerateFiles(BpfSystem.DefaultBpfFsPath, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
        foreach (string path in files)
        {
            try
            {
                using BpfMap map = BpfMap.OpenPinned(path, BpfPinAccess.ReadOnly);
                pins.TryAdd(map.Id, path);
            }
            catch (Exception e) when (e is BpfException or ArgumentException or IOException)
            {
                // Not a map (a program or link pin), or gone: not listed.
            }
        }

        return pins;
    }
}
