// The pure core, as one import for the outer layers (journal, server, CLI): each concern is its
// own module below, and the import graph between them is checked by the compiler.
//   DetenteModel       ids, items, reactions, replacements, errors, JSON
//   DetenteAnonymiser  personal identifiers found and replaced (patterns, names, gazetteer)
//   DetenteDrafter     asks parsed, grouped and paired; themes, blame, actionability; the draft
//   DetenteWorkshop    the workshop as a fold of events: commands, phases, visibility, the bot
//   DetenteTranscript  the exports (md, html, json, csv, agreement csv, ics)
@_exported import DetenteAnonymiser
@_exported import DetenteDrafter
@_exported import DetenteModel
@_exported import DetenteTranscript
@_exported import DetenteWorkshop
