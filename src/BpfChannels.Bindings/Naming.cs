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

/// <summary>The names taken in one C# scope; <see cref="Claim(string)"/> applies the clash rule.</summary>
internal sealed class NameScope
{
    private readonly HashSet<string> _taken = new HashSet<string>(System.StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owners = new Dictionary<string, string>(System.StringComparer.Ordinal);

    /// <param name="reserved">Names the scope already has: the first is the enclosing type's own name, the rest members the bindings generate.</param>
    internal NameScope(params string[] reserved)
    {
        for (int i = 0; i < reserved.Length; i++)
        {
            if (_taken.Add(reserved[i]))
            {
                _owners[reserved[i]] = i == 0 ? "the name of the enclosing type" : "a member the bindings generate";
            }
        }
    }

    /// <summary>Claims <paramref name="name"/>, or the first free <c>name_2</c>, <c>name_3</c>, ....</summary>
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

    /// <summary>
    /// Claims the .NET name of the C name <paramref name="cName"/>; when it is taken, adds a message to
    /// <paramref name="clashes"/> saying what took it and what the C name becomes instead.
    /// </summary>
    /// <param name="name">The .NET name.</param>
    /// <param name="cName">The C name it comes from.</param>
    /// <param name="what">What the C name is, with <c>{0}</c> where the name goes (<c>Map '{0}'</c>, <c>Member '{0}' of struct foo</c>).</param>
    /// <param name="clashes">Where the messages go.</param>
    internal string Claim(string name, string cName, string what, List<string> clashes)
    {
        string claimed = Claim(name);
        if (claimed != name)
        {
            string owner = _owners.TryGetValue(name, out string? o) ? o : "another name";
            clashes.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, what, cName) + $" would be '{name}', which is already {owner}; it is generated as '{claimed}'");
        }

        _owners[claimed] = $"the C name '{cName}'";
        return claimed;
    }
}
