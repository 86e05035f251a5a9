"""References in running text (依照本法第三十条, 《代表法》第四十四条, 根据宪法), found without an index.

The finder reads a text and returns every reference in it with its span; it knows nothing of the
collection. Resolving a reference to passages (names → works, the version in force on the citing
date, article → passage) is kb.links' job.

    find_references(text, names=None, *, abbreviations=None, passage=False) -> list[Reference]
    abbreviations(text) -> dict[str, str]      short name → title defined in the text
    title_spans(text) -> list[(start, end)]    every outermost 《…》 (nested brackets kept inside)
    law_like(name) -> bool                     a specific law's name (not 法律, 有关规定 …)

    text           any text: an article's text, a bulletin paragraph, an LLM's answer.
    names          optional NameIndex (anything with find_suffix(text) -> (name, works) | None,
                   e.g. kb.query.aliases.AliasTable): the longest known name before 第…条 wins;
                   without it the name is cut from the characters before 第 (see names.py).
    abbreviations  short name → full title defined elsewhere in the same document
                   (《…代表法》（以下简称代表法） in 第一条 applies to 第三十条); the text's own
                   definitions are always added. abbreviations(text) collects them.
    passage        True when `text` is one article as kb stores it ("第三十条 …", one 款 per
                   line, 项 lines under their 款): its label is not a reference, and 前款,
                   本条第二款, 第（一）项 and 前条 get absolute positions.

    Reference (frozen dataclass; see model.py)
        start, end   span in `text`; text[start:end] == Reference.text
        text         the words as written: 《中华人民共和国代表法》第四十四条, 本法第三十条至第三十二条
        work         the work as written: the title inside 《》, 代表法, 本法, 同法, or ""
        name         the name to look the work up by: work (or the title an abbreviation
                     stands for); for 同法 / inherited references the name written earlier;
                     "" for scope self
        scope        named | self | same | inherited | number
                       named: a 《title》 or a name (选举法, 宪法, 地方组织法)
                       self: 本法 / 本条例 / 本办法 …, or positions with no work (第十条, 前款)
                       same: 同法 / 该法 / 该条例
                       inherited: no work written but one named earlier in the same sentence
                         (刑法第二百六十四条……第二百六十五条)
                       number: a 文号 (中办发〔2020〕41号), kind document
        kind         article (positions given) | document (依照《…》的规定, 根据代表法)
        positions    tuple of Position(article, suffix, paragraph, item): 第三十条之一第二款第（三）项
                     → Position(30, 1, 2, 3); lists give several (第五条、第七条和第九条,
                     第五、六、七条); ranges are expanded (第五条至第八条 → 5, 6, 7, 8) while at
                     most 60 positions lie between the ends (positions.MAX_RANGE: the one rule,
                     query understanding reads positions through the same parser); article
                     None when counted from an unknown citing article
        relative     前款 / 前两款 / 前条 / 本条 / 本款 when positions count from the citing article
        version      a version written after the title, e.g. 2018年修正

Numerals may be Chinese (第一百零五条), Arabic (第44条) or full-width (第４４条).

Rules worth knowing (tests/links/test_references.py shows each):
    - 第…款 / 第…项 written without an article belong to the article referred to just before
      in the same sentence (违反本条例第十五条第一款或者第二款); a bare 第…项 also to an article
      of the same document named earlier in the text (违反本条例第十八条规定…：（一）违反第六项);
      otherwise to the citing article (with passage=True).
    - 前款 / 前两款 / 前条 / 本条第二款 / 前条第二项 count from the citing article and 款.
    - 第…条 with no work written inherits the work named earlier in the same sentence (刑法第
      二百六十四条……第二百六十五条: scope inherited), else it is the citing document's (self).
    - 同法 / 该法 is the work named last; 劳动合同法 is no 同法. 该条第二款 continues the article
      referred to last.
    - A line starting "第十条 " (an article label run into the text) is not a reference.
    - Abbreviations: 《…》（以下简称代表法）; the title in 《》 may carry a version, an
      abbreviation or a 文号 in brackets before 第…条.
    - 分则第九章 / 第三章 between a name and 第…条 are skipped (刑法分则第九章第三百九十八条).
    - Titles in 《》 may nest 《》 and 〈〉 (关于修改〈…〉的决定).
"""

from kb.references import model
from kb.references.finder import find_references
from kb.references.model import *  # noqa: F403 (its __all__: the finder's vocabulary)
from kb.references.names import abbreviations, law_like, title_spans

__all__ = [*model.__all__, "abbreviations", "find_references", "law_like", "title_spans"]
