using System.Collections.Generic;
using System.Text;

namespace BpfChannels.Bindings;

/// <summary>
/// C names to .NET names, deterministically (documented in docs/bindings.md and on every generated class):
/// <list type="number">
/// <item>Split at underscores; each part starts upper-case; a part written all in capitals is lower-cased after its
/// first letter (<c>count_syscalls</c> -> <c>CountSyscalls</c>, <c>XDP_PASS</c> -> <c>XdpPass</c>, <c>__u32</c> -> <c>U32</c>).</item>
/// <item>A name that would be empty or start with a digit gets a leading underscore (<c>_1Hz</c>). Since every result
/// starts upper-case, no C name becomes a C# keyword.</item>
/// <item>A name already taken in its scope (two C names with the same .NET name, a reserved member name, the
/// enclosing type's name) gets <c>_2</c>, <c>_3</c>, ... in declaration order.</item>
/// </list>
/// </summary>
internal static class Naming
{
    internal static string Pascal(string name)
    {
        var result = new StringBuilder(name.Length);
        foreach (string part in name.Split('_'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            bool allUpper = true;
            foreach (char c in part)
            {
                if (char.IsLower(c))
                {
                    allUpper = false;
                    break;
                }
            }

            result.Append(char.ToUpperInvariant(part[0]));
            result.Append(allUpper ? part.Substring(1).ToLowerInvariant() : part.Substring(1));
        }

        if (result.Length == 0 || char.IsDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        for (int i = 0; i < result.Length; i++)
        {
            if (!char.IsLetterOrDigit(result[i]) && result[i] != '_')
            {
                result[i] = '_';
            }
        }

        return result.ToString();
    }

    /// <summary>A C string literal's content as a C# verbatim-safe regular string literal.</summary>
    internal static string Literal(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Text safe inside an XML doc comment.</summary>
    internal static string Xml(string value) => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

/// <summary>The names taken in one C# scope; <see cref="Claim"/> applies the clash rule.</summary>
internal sealed class NameScope
{
    private readonly HashSet<string> _taken = new HashSet<string>(System.StringComparer.Ordinal);

    internal NameScope(params string[] reserved)
    {
        foreach (string name in reserved)
        {
            _taken.Add(name);
        }
    }

    internal string Claim(string name)
    {
        if (_taken.Add(name))
        {
            return name;
        }

        for (int i = 2; ; i++)
        {
            string candidate = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_taken.Add(candidate))
            {
                return candidate;
            }
        }
    }
}
