// The Bootstrap Italia components the portal's templates use, and nothing else:
// - NavBarCollapsible: the main menu on phones (data-bs-toggle="navbarcollapsible")
// - Collapse: the filter and facet panels on phones (data-bs-toggle="collapse")
// - init: focus tracking (keyboard focus outlines only for keyboard users)
// Each module registers its data-api handlers when it is evaluated; publishing them on window.bootstrap (the
// namespace of Bootstrap's own bundle, for the portal's other scripts) also keeps the bundler from dropping
// modules that the package declares free of side effects. Loaded as a deferred module script.
import init from 'bootstrap-italia/src/js/plugins/init.js'
import NavBarCollapsible from 'bootstrap-italia/src/js/plugins/navbar-collapsible.js'
import Collapse from 'bootstrap-italia/src/js/plugins/collapse.js'

init()

window.bootstrap = Object.assign(window.bootstrap || {}, { Collapse, NavBarCollapsible })
