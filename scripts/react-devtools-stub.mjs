// Stands in for react-devtools-core in the bundle; ztop never connects to React DevTools.
export default {initialize() {}, connectToDevTools() {}};
